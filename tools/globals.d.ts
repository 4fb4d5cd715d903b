/** Replaced at build time by tsup and at test time by vitest with the package's version. */
declare const __PACKAGE_VERSION__: string;
