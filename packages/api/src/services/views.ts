import type {
  Notification,
  NotificationType,
  Reservation,
  ReservationStatus,
  SeatStatus,
  User,
  UserRole,
  WaitlistStatus,
} from "@dlsms/db";

/** Wire shapes (DESIGN "Output shapes"). Dates go out as ISO 8601 UTC strings. */
export interface UserView {
  id: number;
  studentId: string;
  name: string;
  role: UserRole;
}

export interface SeatView {
  id: number;
  code: string;
  branch: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  status: SeatStatus;
  available: boolean;
}

export interface ReservationView {
  id: number;
  seatId: number;
  userId: number;
  startTime: string;
  endTime: string;
  status: ReservationStatus;
  checkedInAt: string | null;
  expiresAt: string | null;
  createdAt: string;
  /** The weekly series this reservation is one week of (reservations.createSeries); null alone. */
  seriesId: number | null;
}

export interface BusyInterval {
  startTime: string;
  endTime: string;
  /** True when the interval is the caller's own reservation. */
  mine: boolean;
  /**
   * Present only while its holder is away on a break: when the break runs out (the seat is still
   * taken until then; the reservation ends if they are not back).
   */
  awayUntil?: string;
}

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toUserView(u: Pick<User, "id" | "studentId" | "name" | "role">): UserView {
  return { id: u.id, studentId: u.studentId, name: u.name, role: u.role };
}

export function toReservationView(r: Reservation): ReservationView {
  return {
    id: r.id,
    seatId: r.seatId,
    userId: r.userId,
    startTime: iso(r.startTime),
    endTime: iso(r.endTime),
    status: r.status,
    checkedInAt: isoOrNull(r.checkedInAt),
    expiresAt: isoOrNull(r.expiresAt),
    createdAt: iso(r.createdAt),
    seriesId: r.seriesId,
  };
}

export interface NotificationView {
  id: number;
  userId: number;
  type: NotificationType;
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export function toNotificationView(n: Notification): NotificationView {
  return {
    id: n.id,
    userId: n.userId,
    type: n.type,
    payload: n.payload,
    createdAt: iso(n.createdAt),
    readAt: isoOrNull(n.readAt),
  };
}

export interface WaitlistEntryView {
  id: number;
  seatId: number | null;
  branch: string;
  hasPower: boolean | null;
  hasMonitor: boolean | null;
  desiredStart: string;
  desiredEnd: string;
  status: WaitlistStatus;
  createdAt: string;
  /** The HELD reservation offered to this entry, while an offer is open. */
  offer: { reservationId: number; expiresAt: string | null } | null;
}
