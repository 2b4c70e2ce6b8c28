/** Keeping API keys and webhook secrets out of anything a user, a log or an output can see. */

const MIN_SECRET_LENGTH = 4;
const REDACTED = '[redacted]';
// `key=` as a query parameter (or at the start of a line of text), up to the next delimiter.
const KEY_QUERY_PARAM = /((?:^|[?&;\s"'(])key=)[^&#\s"'<>)]+/gi;
// The API-key header as written in raw headers, logs or serialised JSON.
const API_KEY_HEADER = /(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi;

/** Remove known secrets, then any API key in a query string or header, from text shown to users. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	// Longest first, so a secret that contains another is not left half-redacted.
	const usable = secrets
		.filter((secret) => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length);
	let result = text;
	for (const secret of usable) result = result.split(secret).join(REDACTED);
	return result
		.replace(KEY_QUERY_PARAM, `$1${REDACTED}`)
		.replace(API_KEY_HEADER, `$1${REDACTED}`);
}
