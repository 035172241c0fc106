import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { acceptCampusSignIn } from "./lib/campusLanding";
import "./styles.css";

// Before the first render, so a student back from campus sign-in never sees the login form.
acceptCampusSignIn();
const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
