export function WaitlistPage() {
  return (
    <>
      <h1>Waitlist</h1>
      <p>The waitlist is coming soon.</p>
    </>
  );
}
