import { emailField } from "@dlsms/validators";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { toast } from "sonner";
import { Field } from "../../components/Field";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

interface Profile {
  email: string | null;
  emailNotifications: boolean;
}

/** The student's e-mail address and whether DL-SMS mails them (auth.me / auth.updateProfile). */
export function SettingsPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  useEffect(() => {
    document.title = "Settings · DL-SMS";
  }, []);
  if (me.isPending) return <Loading label="Loading your settings…" />;
  if (me.isError) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  return (
    <>
      <h1>Settings</h1>
      <EmailSettings profile={me.data} />
    </>
  );
}

function EmailSettings({ profile }: { profile: Profile }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(profile.email ?? "");
  const [notify, setNotify] = useState(profile.emailNotifications);
  const [error, setError] = useState<string>();
  const save = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: (saved) => {
        toast.success(saved.email ? "E-mail settings saved" : "E-mail address removed");
        // Not awaited: the form is free again as soon as the server has answered.
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      },
    }),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Empty means "no address": the same zod rule as the server otherwise.
    const checked =
      email.trim() === "" ? { success: true as const, data: null } : emailField.safeParse(email);
    if (!checked.success) {
      setError(checked.error.issues[0]?.message ?? "Enter a valid e-mail address");
      return;
    }
    setError(undefined);
    save.mutate({ email: checked.data, emailNotifications: notify });
  };

  return (
    <section aria-labelledby="email-settings" className="card">
      <h2 id="email-settings">E-mail</h2>
      <p className="muted">
        We can mail you booking confirmations (with a calendar file), check-in reminders, waitlist offers and
        cancellations by the library.
      </p>
      <form onSubmit={submit} noValidate>
        <Field
          label="E-mail address"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error}
          hint="Leave empty to remove your address."
        />
        <label className="check">
          <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />
          Send me e-mail notifications
        </label>
        {save.error && (
          <p className="form-error" role="alert">
            {errorMessage(save.error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </form>
    </section>
  );
}
