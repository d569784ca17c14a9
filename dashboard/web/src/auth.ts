// Bearer token: kept in sessionStorage, taken from ?token=, asked for in #token-dialog on UNAUTHENTICATED.
import type { Interceptor } from "@connectrpc/connect";
import { byId } from "./dom";

const KEY = "trainscope.token";
let pending: Promise<void> | null = null;

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: run without a token
  }
}

function setToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    /* storage disabled: the token is lost on reload */
  }
}

/** Moves a `?token=` URL parameter into sessionStorage and removes it from the address bar. */
export function adoptUrlToken(): void {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  if (token.trim()) setToken(token.trim());
  url.searchParams.delete("token");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
}

/** Adds `authorization: Bearer <token>` to every call when a token is known. */
export const bearer: Interceptor = (next) => (req) => {
  const token = getToken();
  if (token) req.header.set("authorization", `Bearer ${token}`);
  return next(req);
};

/**
 * Shows the token dialog and resolves once a token was entered (or the dialog was closed).
 * Concurrent callers share one dialog.
 */
export function requireToken(): Promise<void> {
  pending ??= askForToken().finally(() => {
    pending = null;
  });
  return pending;
}

function askForToken(): Promise<void> {
  const dialog = byId<HTMLDialogElement>("token-dialog");
  const form = dialog.querySelector("form");
  const input = byId<HTMLInputElement>("token-input");
  const hint = byId("token-hint");
  hint.textContent = getToken()
    ? "The server rejected the stored token. Enter a valid one."
    : "This server requires an access token.";
  input.value = "";
  return new Promise((resolve) => {
    const done = (): void => {
      form?.removeEventListener("submit", onSubmit);
      dialog.removeEventListener("close", done);
      resolve();
    };
    const onSubmit = (event: Event): void => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      setToken(token);
      dialog.close(); // fires "close" → done()
    };
    form?.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", done);
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}
