import { prerenderedArrayBytes } from "@dlsms/api/read-models";

/** The headers tRPC's fetch adapter sends with a JSON answer. */
export const TRPC_JSON_HEADERS = { "content-type": "application/json", vary: "trpc-accept, accept" };

const RESULT_BEFORE = '{"result":{"data":';
const RESULT_AFTER = "}}";

/** tRPC's envelope for a successful call (no transformer), as JSON.stringify makes it. */
function render(data: unknown): Buffer {
  if (Array.isArray(data)) {
    const copied = prerenderedArrayBytes(data, RESULT_BEFORE, RESULT_AFTER);
    if (copied) return copied;
  }
  return Buffer.from(JSON.stringify({ result: { data } }));
}

// Read models hand every reader of one copy the same frozen array of frozen rows: its answer is
// rendered once and kept as long as the copy lives.
const renderedCopies = new WeakMap<object, Buffer>();

const isReadModelCopy = (data: unknown): data is readonly unknown[] =>
  Array.isArray(data) && Object.isFrozen(data) && (data.length === 0 || Object.isFrozen(data[0]));

/** A call's answer bytes, `{"result":{"data":…}}`. */
export function resultBytes(data: unknown): Buffer {
  if (!isReadModelCopy(data)) return render(data);
  let bytes = renderedCopies.get(data);
  if (bytes === undefined) {
    bytes = render(data);
    renderedCopies.set(data, bytes);
  }
  return bytes;
}
