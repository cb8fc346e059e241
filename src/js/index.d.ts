/** consent-gate: a consent manager in Rust and WebAssembly. */

/** A category id: the four built-in ones or a site's own. */
export type CategoryId = 'necessary' | 'functional' | 'analytics' | 'advertising' | (string & {});

/** Where a category's state came from. */
export type ChoiceSource = 'user' | 'gpc' | 'dnt' | 'default' | 'region' | 'page-rule';

/** How a decision was made. */
export type DecisionMethod = 'banner' | 'preferences' | 'notice' | 'api' | 'signal';

/** Browser privacy signals as seen on this page view. */
export interface SignalState {
  /** Do Not Track. */
  dnt: 'on' | 'off' | 'unset';
  /** Global Privacy Control. */
  gpc: 'true' | 'false' | 'absent';
}

/** The consent state, as `getConsent()` and the `ready` / `change` events give it. */
export interface ConsentState {
  /** Whether the visitor has a valid decision under the current policy revision. */
  decided: boolean;
  /** The policy revision in force. */
  revision: string;
  /** Each category's state in force on this page (a page rule can keep a granted one off). */
  categories: Record<CategoryId, boolean>;
  /** Where each state came from (`page-rule`: a sensitive page keeps a granted category off). */
  sources: Record<CategoryId, ChoiceSource>;
  /** The categories allowed to run on this page now (none but necessary/functional on sensitive pages). */
  allowed: CategoryId[];
  /** Browser signals. */
  signals: SignalState;
  /**
   * Whether an honoured Global Privacy Control signal keeps a category off now (advertising, by
   * default); false once the visitor's own grant wins over it (`signals.choiceOverridesGpc`).
   */
  gpcHonoured: boolean;
  /** Whether this page matches `sensitivePaths`. */
  sensitivePage: boolean;
  /** The region hint of the page, if any. */
  region: string | null;
  /** The interface language. */
  language: string;
  /** False when the configuration had errors: then nothing but necessary runs. */
  configOk: boolean;
}

/** One category in a consent record. */
export interface RecordedChoice {
  category: CategoryId;
  granted: boolean;
  source: ChoiceSource;
}

/** The visitor's consent record: their receipt. Times are milliseconds since 1970 UTC. */
export interface ConsentRecord {
  id: string;
  created: number;
  updated: number;
  revision: string;
  choices: RecordedChoice[];
  signals: SignalState;
  language: string;
  method: DecisionMethod;
  sdkVersion: string;
}

/** A text given once, or per language. */
export type LocalizedText = string | Record<string, string>;

/** A run of text in the notice: plain text or a link (http(s), mailto or relative). */
export type NoticeInline = LocalizedText | { text?: LocalizedText; href: string };

/** A block of a notice section. */
export type NoticeBlock =
  | { p: NoticeInline | NoticeInline[] }
  | { h3: LocalizedText }
  | { list: (NoticeInline | NoticeInline[])[] }
  | { controls: true }
  | { signals: true };

/** The configuration. Every field is documented in the README and in consent-gate.schema.json. */
export interface ConsentGateConfig {
  $schema?: string;
  revision?: string | number;
  language?: string;
  privacyUrl?: string;
  /** `gpc`: an honoured Global Privacy Control signal turns the category off (default: `advertising` only). */
  categories?: { id: CategoryId; title?: LocalizedText; description?: LocalizedText; required?: boolean; default?: boolean; gpc?: boolean }[];
  googleAnalytics?: string | string[];
  googleAds?: string | string[];
  consentMode?: 'basic' | 'advanced';
  waitForUpdate?: number;
  urlPassthrough?: boolean;
  adsDataRedaction?: boolean;
  services?: { name: string; category: CategoryId; description?: LocalizedText; cookies?: string | string[] }[];
  signals?: { dnt?: 'log' | 'honor'; gpc?: 'honor' | 'log'; choiceOverridesGpc?: boolean };
  sensitivePaths?: string | string[];
  /** Also match hash routes (`#/patient-portal/…`) against `sensitivePaths`. */
  matchHashRoutes?: boolean;
  regions?: { codes: string | string[]; defaults?: Partial<Record<CategoryId, boolean>> }[];
  lifetime?: { granted?: number; denied?: number };
  cookie?: { name?: string; domain?: string; sameSite?: 'Lax' | 'Strict' | 'None'; secure?: boolean };
  log?: { endpoint?: string; pageViews?: boolean };
  texts?: Record<string, Record<string, string>>;
  notice?: { sections?: { id?: string; heading?: LocalizedText; blocks?: NoticeBlock[] }[] };
  nonce?: string;
  reloadOnWithdraw?: boolean;
  /**
   * A floating "Privacy choices" button that reopens the preferences, shown after a decision
   * (hidden while the banner is open), on every page. Off by default; its label is the text
   * `reopenButton`.
   */
  reopenButton?: 'off' | 'bottom-left' | 'bottom-right';
  debug?: boolean;
}

/** Options of `init`. */
export interface InitOptions {
  /** Where the wasm is (a URL, a Response or a compiled module); next to the module by default. */
  wasm?: string | URL | Response | WebAssembly.Module;
  /**
   * Where the wasm with the consent log and the notice's renderer is (`consent_gate_log_bg.wasm`,
   * next to the module by default): loaded instead of `wasm` when `log` or `notice` is true, the
   * configuration object has a `log`, or the page has a notice container when it starts.
   */
  logWasm?: string | URL | Response | WebAssembly.Module;
  /**
   * The configuration has a consent `log`: load the log wasm at once. Needed only when the
   * configuration is a promise (else its `log` is seen); without it such a site loads both wasms.
   */
  log?: boolean;
  /**
   * This page or app may show the privacy notice in a container mounted after start (a
   * single-page app's privacy route): load the log wasm, which has the notice's renderer, at once.
   * A page with a notice container when it starts loads it by itself (after the other); without
   * either, a container mounted later stays empty and the console says what to add.
   */
  notice?: boolean;
  /** The visitor's region (ISO 3166-2, e.g. `US-WA`), as the site's server knows it. */
  region?: string;
}

/** The error `init` rejects with when the configuration is invalid (after failing closed). */
export interface ConfigError extends Error {
  /** Every problem, as `path: expected …, got …`. */
  problems: string[];
}

/** Event names and their payloads. */
export interface ConsentGateEvents {
  ready: ConsentState;
  change: ConsentState;
  signal: SignalState;
}

/**
 * Sets Google Consent Mode v2 defaults (everything denied but security_storage) and defines
 * `dataLayer` / `gtag`. Call it synchronously before any Google tag; `init` calls it too.
 */
export function consentDefaults(options?: { waitForUpdate?: number; urlPassthrough?: boolean; adsDataRedaction?: boolean }): void;
/** Starts consent-gate. A second call returns the first call's promise. */
export function init(config?: ConsentGateConfig | Promise<ConsentGateConfig>, options?: InitOptions): Promise<ConsentState>;
/**
 * The current consent state, as the last `change` event carried it: the same frozen object until
 * the state changes (a valid `useSyncExternalStore` snapshot), or null before consent-gate started.
 */
export function getConsent(): ConsentState | null;
/** The visitor's consent record, or null when they have not decided. */
export function getConsentRecord(): ConsentRecord | null;
/** Changes some categories, e.g. `setConsent({ analytics: true })`. */
export function setConsent(changes: Partial<Record<CategoryId, boolean>>): Promise<ConsentState>;
/** Grants every optional category (an honoured GPC still keeps advertising off). */
export function acceptAll(): Promise<ConsentState>;
/** Refuses every optional category. */
export function rejectAll(): Promise<ConsentState>;
/** Opens the preferences dialog. */
export function showPreferences(): void;
/** Subscribes to an event; a late subscriber receives the current state at once. */
export function on<K extends keyof ConsentGateEvents>(event: K, handler: (detail: ConsentGateEvents[K]) => void): void;
/** Unsubscribes. */
export function off<K extends keyof ConsentGateEvents>(event: K, handler: (detail: ConsentGateEvents[K]) => void): void;

declare global {
  interface Window {
    /** The script-tag build's API: the same names as the ES module. */
    ConsentGate?: {
      init: typeof init;
      getConsent: typeof getConsent;
      getConsentRecord: typeof getConsentRecord;
      setConsent: typeof setConsent;
      acceptAll: typeof acceptAll;
      rejectAll: typeof rejectAll;
      showPreferences: typeof showPreferences;
      on: typeof on;
      off: typeof off;
      consentDefaults: typeof consentDefaults;
    };
  }
  interface DocumentEventMap {
    'consent-gate:ready': CustomEvent<ConsentState>;
    'consent-gate:change': CustomEvent<ConsentState>;
    'consent-gate:signal': CustomEvent<SignalState>;
  }
}
