/** Inline SVGs: no icon font to download, and always paired with text for screen readers. */
export function PowerIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M13 2 4 14h6l-1 8 9-12h-6l1-8z" />
    </svg>
  );
}

export function MonitorIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M3 4h18v12H3zM5 6v8h14V6zm3 12h8v2H8z" />
    </svg>
  );
}

export function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"
      />
    </svg>
  );
}

export function Amenities({ power, monitor }: { power: boolean; monitor: boolean }) {
  if (!power && !monitor) return null;
  return (
    <span className="amenities">
      {power && (
        <span title="Power outlet">
          <PowerIcon />
          <span className="sr-only">power outlet</span>
        </span>
      )}
      {monitor && (
        <span title="Monitor">
          <MonitorIcon />
          <span className="sr-only">monitor</span>
        </span>
      )}
    </span>
  );
}
