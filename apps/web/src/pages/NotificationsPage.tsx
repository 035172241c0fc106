export function NotificationsPage() {
  return (
    <>
      <h1>Notifications</h1>
      <p>Notifications are coming soon.</p>
    </>
  );
}
