/** The one place the e2e package reads the environment (CI may point at another Chromium). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";

/**
 * SCREENSHOTS=update writes the screenshots into docs/screenshots (the committed ones); any other
 * run writes them to a git-ignored folder, so running the tests leaves the work tree clean.
 */
export const UPDATE_SCREENSHOTS = process.env.SCREENSHOTS?.trim() === "update";
