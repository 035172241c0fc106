/** The one place the e2e package reads the environment (CI may point at another Chromium). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";
