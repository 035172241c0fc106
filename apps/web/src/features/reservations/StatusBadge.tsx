const LABELS: Record<string, string> = {
  HELD: "Offer",
  CONFIRMED: "Confirmed",
  CHECKED_IN: "Checked in",
  AWAY: "Away",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "No-show",
  EXPIRED: "Expired",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{LABELS[status] ?? status}</span>;
}
