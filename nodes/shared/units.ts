/** Units every node converts between, named once so no file writes its own 1000 or 60_000. */
export const MS_PER_SECOND = 1000;
export const SECONDS_PER_MINUTE = 60;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const BYTES_PER_KB = 1024;
export const BYTES_PER_MB = BYTES_PER_KB * BYTES_PER_KB;

/** Whole seconds, rounded up, as a user reads a wait ("3 s"). */
export function secondsText(ms: number): string {
	return `${Math.ceil(ms / MS_PER_SECOND)} s`;
}
