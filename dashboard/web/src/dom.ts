// Small DOM and number-formatting helpers shared by the view modules.

/** The element with this id; throws if index.html lacks it (a broken page should fail loudly). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

/** Sets textContent only when it changes, so 60 Hz updates do not churn the DOM. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

/** A fraction (0..1) as a percentage. */
export function percent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : "–";
}

/** A learning rate, short: 0.001, 3e-4. Floats arrive as float32, so round to 3 digits. */
export function rate(lr: number): string {
  if (!Number.isFinite(lr)) return "–";
  if (lr !== 0 && Math.abs(lr) < 1e-3) return lr.toExponential(2).replace(/\.?0+e/, "e");
  return String(Number(lr.toPrecision(3)));
}

/** How a message line reads: a reply, a refusal or failure, or a request on its way. */
export type MessageKind = "ok" | "error" | "pending";

/** Shows a reply line (#control-message, #hp-message); errors get the error style. */
export function showMessage(el: HTMLElement, text: string, kind: MessageKind): void {
  el.textContent = text;
  el.dataset.kind = kind;
  el.classList.toggle("error", kind === "error");
}

/** Runs `action` when Enter is pressed in `input`. */
export function onEnter(input: HTMLInputElement, action: () => void): void {
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") action();
  });
}

/** Wraps an async read so that calls made while it runs fold into one more run once it ends. */
export function singleFlight(read: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void read().finally(() => {
      running = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}
