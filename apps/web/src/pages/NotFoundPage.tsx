import { Link } from "wouter";

export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Find a seat</Link>
      </p>
    </>
  );
}
