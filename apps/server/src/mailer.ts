import type { RenderedMail } from "@dlsms/api/server";
import nodemailer from "nodemailer";

export interface Mailer {
  send(to: string, mail: RenderedMail): Promise<void>;
  close(): void;
}

/** Under the mail worker's lease (mail-worker.ts): a hung server must fail a send well before it lapses. */
export const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** nodemailer's SMTP transport for SMTP_URL: one pooled connection, reused between mails. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 1,
    ...SMTP_TIMEOUTS_MS,
  });
  return {
    async send(to, mail) {
      await transport.sendMail({
        from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
    },
    close: () => transport.close(),
  };
}
