import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtp {
  port: number;
  /** smtp://user:pass@127.0.0.1:port — with credentials, so the transport's AUTH is exercised. */
  url: string;
  /** Every message received, parsed by mailparser, in arrival order. */
  messages: ParsedMail[];
  /** Starts listening on `port` (again, after stop). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on loopback, plain text with AUTH allowed, that parses
 * what it receives. Created on a fixed port and started later, it models a mail server that is
 * down and comes back.
 */
export function testSmtp(port: number): TestSmtp {
  const messages: ParsedMail[] = [];
  let server: SMTPServer | undefined;
  const make = () =>
    new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === "mailer" && auth.password === "secret") callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
  return {
    port,
    url: `smtp://mailer:secret@127.0.0.1:${port}`,
    messages,
    async start() {
      server = make();
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

/** The first VEVENT's DTSTART/DTEND (UTC, as ical-generator writes them) of an .ics text. */
export function eventTimes(ics: string): { start: Date; end: Date; uid: string } {
  const unfolded = ics.replace(/\r?\n[ \t]/g, "");
  const field = (name: string) => {
    const match = new RegExp(`^${name}(?:;[^:]*)?:(.+)$`, "m").exec(unfolded);
    if (!match?.[1]) throw new Error(`${name} missing from the calendar file`);
    return match[1].trim();
  };
  const utc = (v: string) => {
    const pattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
    if (!pattern.test(v)) throw new Error(`not a UTC date-time: ${v}`);
    return new Date(v.replace(pattern, "$1-$2-$3T$4:$5:$6Z"));
  };
  return { start: utc(field("DTSTART")), end: utc(field("DTEND")), uid: field("UID") };
}
