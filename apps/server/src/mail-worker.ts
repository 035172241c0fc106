import {
  type ClaimedMail,
  claimDueMail,
  finishMail,
  loadMailContext,
  type MailSettings,
  renderMail,
  retryMail,
  tidyOutbox,
} from "@dlsms/api/server";
import type { Database } from "@dlsms/db";
import { Cron } from "croner";
import type { Logger } from "./logger";
import type { Mailer } from "./mailer";

export interface MailWorker {
  /** One pass now: send what is due (when there is a transport), then tidy. Never throws. */
  runOnce(): Promise<void>;
  /** Stops scheduling and resolves when a pass in flight has finished. */
  stop(): Promise<void>;
}

export interface MailWorkerOptions {
  db: Database;
  /** Absent when SMTP_URL is unset: mails stay queued (see docs/operations.md) and are only tidied. */
  mailer: Mailer | undefined;
  settings: () => MailSettings;
  intervalSeconds: number;
  logger: Logger;
  onResult?: (result: "sent" | "skipped" | "retry" | "failed") => void;
}

/** Mails claimed at once; their lease covers sending them all, one after another, at the slowest. */
const BATCH = 5;
const LEASE_SECONDS = 300;
/** Retries back off from the interval up to this. */
const MAX_RETRY_SECONDS = 15 * 60;
/** Finished rows are kept this long, for operators' questions. */
const KEEP_DAYS = 7;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * The outbox's sender, in-process on every instance like the sweeper. Rows are leased
 * (claimDueMail: FOR UPDATE SKIP LOCKED), so instances never send the same mail together;
 * a send that fails is retried with exponential backoff until the mail's send-by time. Nothing
 * here runs in a request: a slow or absent SMTP server delays mail, never an answer.
 */
export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, mailer, logger } = options;
  const report = options.onResult ?? (() => undefined);

  const deliver = async (mail: ClaimedMail) => {
    if (!mailer) return;
    try {
      const loaded = await loadMailContext(db, mail);
      const rendered = loaded && renderMail(loaded.context, options.settings());
      if (!loaded || !rendered) {
        await finishMail(db, mail, "skipped");
        report("skipped");
        return;
      }
      await mailer.send(loaded.to, rendered);
      await finishMail(db, mail, "sent");
      report("sent");
    } catch (error) {
      const delay = Math.min(options.intervalSeconds * 2 ** (mail.attempts - 1), MAX_RETRY_SECONDS);
      logger.warn(
        { err: error, mailId: mail.id, kind: mail.kind, attempts: mail.attempts },
        "mail not sent; will retry",
      );
      await retryMail(db, mail, errorText(error), delay);
      report("retry");
    }
  };

  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    try {
      while (mailer && !stopped) {
        const due = await claimDueMail(db, BATCH, LEASE_SECONDS);
        for (const mail of due) await deliver(mail);
        if (due.length < BATCH) break;
      }
      await tidyOutbox(db, KEEP_DAYS);
    } catch (err) {
      logger.error({ err }, "mail worker pass failed");
    }
  };
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const job = new Cron(
    "* * * * * *",
    { interval: options.intervalSeconds, protect: true, unref: true },
    runOnce,
  );
  return {
    runOnce,
    async stop() {
      stopped = true;
      job.stop();
      await running;
      mailer?.close();
    },
  };
}
