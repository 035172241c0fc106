/** One mail as the transport sends it: plain text and HTML of the same content. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** What a mail says, before it is written out as text and as HTML. */
export interface MailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** The one thing to do next, under PUBLIC_URL. */
  action: { label: string; href: string };
  attachments?: MailAttachment[];
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Names, reasons and codes come from people: never let them become markup. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

const FOOTER =
  "You get these mails because you gave DL-SMS your e-mail address. Turn them off on your Settings page.";

export function writeMail(content: MailContent, settingsUrl: string): RenderedMail {
  const text = [
    content.greeting,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    `${content.action.label}: ${content.action.href}`,
    "",
    "-- ",
    `${FOOTER} ${settingsUrl}`,
    "",
  ].join("\n");
  const html = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a">',
    `<p>${escapeHtml(content.greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(content.action.href)}">${escapeHtml(content.action.label)}</a></p>`,
    `<p style="color: #555; font-size: 0.875em">${escapeHtml(FOOTER)} <a href="${escapeHtml(settingsUrl)}">Settings</a></p>`,
    "</body></html>",
  ].join("\n");
  return { subject: content.subject, text, html, attachments: content.attachments ?? [] };
}
