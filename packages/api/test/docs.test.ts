import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, "utf8");

/** Backticked words of a text, in order. */
const ticked = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
const REPO_PATH = /^(apps|packages|drizzle|docs|bench)(\/[\w@.-]+)+\.\w+$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The numbered items of CONTRIBUTING's walk of one booking. */
function walk(): string[] {
  const doc = read("docs/CONTRIBUTING.md");
  const start = doc.indexOf("## One booking, from the button to the push");
  expect(start).toBeGreaterThan(-1);
  const section = doc.slice(start).split(/\n## /)[0] as string;
  return section.split(/\n(?=\d+\. )/).filter((item) => /^\d+\. /.test(item));
}

// The walk in docs/CONTRIBUTING.md is how a newcomer learns the code: it must name real files.
describe("docs/CONTRIBUTING.md's walk of one booking", () => {
  const items = walk();

  it("names each file once, and every file exists", () => {
    expect(items.length).toBeGreaterThan(15);
    const files = items.flatMap((item) => ticked(item).filter((word) => REPO_PATH.test(word)));
    for (const file of files) expect(existsSync(`${ROOT}${file}`), file).toBe(true);
    expect(files.length).toBe(new Set(files).size);
  });

  it("opens every step with a file, which holds the names the step gives", () => {
    for (const item of items) {
      const words = ticked(item);
      const files = words.filter((word) => REPO_PATH.test(word));
      expect(REPO_PATH.test(words[0] ?? ""), item).toBe(true);
      const source = files.map(read).join("\n");
      for (const name of words.filter((word) => IDENTIFIER.test(word))) {
        expect(source.includes(name), `${name} in ${files.join(", ")}`).toBe(true);
      }
    }
  });
});

describe("the docs' file references", () => {
  it("every repository path CONTRIBUTING.md names exists", () => {
    for (const path of ticked(read("docs/CONTRIBUTING.md")).filter((word) => REPO_PATH.test(word))) {
      expect(existsSync(`${ROOT}${path}`), path).toBe(true);
    }
  });

  it("every file read-models.md names exists (read models and their tests)", () => {
    const names = ticked(read("docs/read-models.md")).filter((word) => /^[\w.-]+\.ts$/.test(word));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const found = [`packages/api/src/read-models/${name}`, `packages/api/test/${name}`].some((path) =>
        existsSync(`${ROOT}${path}`),
      );
      expect(found, name).toBe(true);
    }
  });
});
