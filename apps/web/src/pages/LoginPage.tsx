import { loginInput, registerInput } from "@dlsms/validators";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Field } from "../components/Field";
import { auth, useAuth } from "../lib/auth";
import { errorMessage } from "../lib/errors";
import { useTRPC } from "../lib/trpc";

type Mode = "login" | "register";
type Errors = Partial<Record<"studentId" | "password" | "name" | "email", string>>;

/** The same zod schemas the server validates with, so the form and the API agree on every rule. */
function validate(mode: Mode, values: { studentId: string; password: string; name: string; email: string }) {
  const result =
    mode === "login"
      ? loginInput.safeParse(values)
      : registerInput.safeParse({
          studentId: values.studentId,
          password: values.password,
          name: values.name,
          email: optionalEmail(values.email),
        });
  if (result.success) return { ok: true as const, errors: {} };
  const errors: Errors = {};
  for (const issue of result.error.issues) {
    const key = issue.path[0] as keyof Errors;
    errors[key] ??= issue.message;
  }
  return { ok: false as const, errors };
}

/** The e-mail field is optional: left empty, no address is sent. */
const optionalEmail = (email: string) => (email.trim() === "" ? undefined : email);

export function LoginPage() {
  const trpc = useTRPC();
  const { notice } = useAuth();
  const [mode, setMode] = useState<Mode>("login");
  const [values, setValues] = useState({ studentId: "", password: "", name: "", email: "" });
  const [errors, setErrors] = useState<Errors>({});
  const headingRef = useRef<HTMLHeadingElement>(null);

  const onSuccess = (data: {
    token: string;
    user: { id: number; studentId: string; name: string; role: string };
  }) => auth.login({ token: data.token, user: data.user });
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess }));
  const register = useMutation(trpc.auth.register.mutationOptions({ onSuccess }));
  const pending = login.isPending || register.isPending;
  // Shares the config query the rest of the app makes; until it answers, no campus link.
  const config = useQuery(
    trpc.config.public.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
  const failure = mode === "login" ? login.error : register.error;

  useEffect(() => {
    document.title = mode === "login" ? "Log in · DL-SMS" : "Register · DL-SMS";
  }, [mode]);

  const switchMode = (next: Mode) => {
    setMode(next);
    setErrors({});
    login.reset();
    register.reset();
    headingRef.current?.focus();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const check = validate(mode, values);
    setErrors(check.errors);
    if (!check.ok) return;
    auth.clearNotice();
    if (mode === "login") login.mutate({ studentId: values.studentId, password: values.password });
    else
      register.mutate({
        studentId: values.studentId,
        password: values.password,
        name: values.name,
        email: optionalEmail(values.email),
      });
  };

  const update = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <p className="brand">DL-SMS · Library seats</p>
        <h1 ref={headingRef} tabIndex={-1}>
          {mode === "login" ? "Log in" : "Create an account"}
        </h1>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        {config.data?.campusSignIn && (
          <>
            {/* A plain link: the server answers it with a redirect to the campus provider. */}
            <a className="campus-sign-in" href="/auth/oidc/login">
              Sign in with your campus account
            </a>
            <p className="or">or with a DL-SMS password</p>
          </>
        )}
        <form onSubmit={submit} noValidate>
          <Field
            label="Student ID"
            name="studentId"
            autoComplete="username"
            autoCapitalize="characters"
            value={values.studentId}
            onChange={update("studentId")}
            error={errors.studentId}
          />
          {mode === "register" && (
            <Field
              label="Name"
              name="name"
              autoComplete="name"
              value={values.name}
              onChange={update("name")}
              error={errors.name}
            />
          )}
          {mode === "register" && (
            <Field
              label="E-mail (optional)"
              name="email"
              type="email"
              autoComplete="email"
              value={values.email}
              onChange={update("email")}
              error={errors.email}
              hint="For booking confirmations, reminders and waitlist offers. You can change it later in Settings."
            />
          )}
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete={mode === "login" ? "current-password" : "new-password"}
            value={values.password}
            onChange={update("password")}
            error={errors.password}
            {...(mode === "register" ? { hint: "At least 8 characters." } : {})}
          />
          {failure && (
            <p className="form-error" role="alert">
              {errorMessage(failure)}
            </p>
          )}
          <button type="submit" className="primary wide" disabled={pending}>
            {mode === "login" ? (pending ? "Logging in…" : "Log in") : pending ? "Registering…" : "Register"}
          </button>
        </form>
        <p className="switch">
          {mode === "login" ? "New here?" : "Already have an account?"}{" "}
          <button
            type="button"
            className="link"
            onClick={() => switchMode(mode === "login" ? "register" : "login")}
          >
            {mode === "login" ? "Register" : "Log in"}
          </button>
        </p>
      </div>
    </main>
  );
}
