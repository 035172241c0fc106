import { auth, type SessionUser } from "./auth";

/**
 * After a campus sign-in the server sends the browser to the SPA with the session in the URL
 * fragment (#campus-token=…&campus-user=…): fragments never reach a server or a Referer. It is
 * taken into the session store exactly as a password login's answer, and removed from the
 * address bar and history at once so that it is not bookmarked or shared.
 */
export function acceptCampusSignIn(location: Location = window.location, history: History = window.history) {
  if (!location.hash.includes("campus-token=")) return false;
  const fragment = new URLSearchParams(location.hash.slice(1));
  history.replaceState(history.state, "", `${location.pathname}${location.search}`);
  const token = fragment.get("campus-token");
  const user = parseUser(fragment.get("campus-user"));
  if (!token || !user) return false;
  auth.login({ token, user });
  return true;
}

function parseUser(text: string | null): SessionUser | null {
  try {
    const user = JSON.parse(text ?? "null") as Partial<SessionUser> | null;
    if (
      typeof user?.id !== "number" ||
      typeof user.studentId !== "string" ||
      typeof user.name !== "string" ||
      typeof user.role !== "string"
    )
      return null;
    return { id: user.id, studentId: user.studentId, name: user.name, role: user.role };
  } catch {
    return null;
  }
}
