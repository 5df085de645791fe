/**
 * Encryption at rest for text kept in the database (case data). `seal` output is what is stored;
 * `open` reads anything `seal` wrote with this key or an older one.
 */
export interface DataSealer {
  /** Whether stored text is encrypted (false only in development without DATA_KEY). */
  readonly encrypts: boolean;
  seal(plain: string): string;
  open(stored: string): string;
}

/** Development without DATA_KEY: stores text as it is. */
export const plainSealer: DataSealer = {
  encrypts: false,
  seal: (plain) => plain,
  open: (stored) => stored,
};
