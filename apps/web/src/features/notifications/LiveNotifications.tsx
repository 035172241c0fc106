/** Placeholder until notifications.onEvent is in the router. */
export function LiveNotifications() {
  return null;
}
