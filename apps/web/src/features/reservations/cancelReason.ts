/** "Cancelled by staff: Fire drill"; the default reason already says who, so it is not doubled. */
export function cancelledBecause(reason: string): string {
  return /^cancelled by/i.test(reason) ? reason : `Cancelled by staff: ${reason}`;
}
