import { useEffect } from "react";
import { Link } from "wouter";
import { CatalogueEditor } from "../features/catalogue/CatalogueEditor";
import { StaffDesk } from "../features/desk/StaffDesk";
import { HoursEditor } from "../features/hours/HoursEditor";
import { Reports } from "../features/reports/Reports";
import { SeatMaintenance } from "../features/staff/SeatMaintenance";
import { StaffReservations } from "../features/staff/StaffReservations";
import { isStaff } from "../features/staff/types";
import { UtilisationTable } from "../features/staff/UtilisationTable";
import { useAuth } from "../lib/auth";

export function StaffPage() {
  const { session } = useAuth();
  useEffect(() => {
    document.title = "Staff · DL-SMS";
  }, []);
  // The server refuses admin.* for students anyway; this guard keeps them from a page of errors.
  if (!isStaff(session?.user.role))
    return (
      <>
        <h1>Staff only</h1>
        <p>
          This page is for library staff. <Link href="/">Find a seat</Link> instead.
        </p>
      </>
    );
  return (
    <>
      <h1>Staff</h1>
      <p>
        <Link href="/staff/qr">Print seat QR codes</Link>
      </p>
      <StaffDesk />
      <UtilisationTable />
      <StaffReservations />
      <SeatMaintenance />
      <Reports />
      <CatalogueEditor />
      <HoursEditor />
    </>
  );
}
