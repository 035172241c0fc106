import { useEffect, useRef, useState } from "react";

interface Props {
  /** The question asked, e.g. "Cancel seat ML-01 for Sat 5 Dec, 14:00–15:00?" */
  question: string;
  disabled: boolean;
  onConfirm: () => void;
  /** The first button's text (default "Cancel"), e.g. "Cancel series". */
  label?: string;
}

/**
 * Cancel in two steps, inline: the first press asks, "Keep it" (focused, the safe default) backs
 * out and "Yes, cancel it" cancels. Focus moves into the question and back, so keyboard and
 * screen reader users follow it.
 */
export function ConfirmCancel({ question, disabled, onConfirm, label = "Cancel" }: Props) {
  const [asking, setAsking] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    if (asking) {
      opened.current = true;
      keepRef.current?.focus();
    } else if (opened.current) {
      cancelRef.current?.focus();
    }
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" ref={cancelRef} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <fieldset className="confirm-cancel">
      <legend>{question}</legend>
      <button
        type="button"
        className="danger"
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, cancel it
      </button>
      <button type="button" ref={keepRef} onClick={() => setAsking(false)}>
        Keep it
      </button>
    </fieldset>
  );
}
