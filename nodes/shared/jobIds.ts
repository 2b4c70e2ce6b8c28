import { randomBytes } from 'node:crypto';

/** Job ids and job tokens: made by the Webhook Guard, read back by the Status Page. */

/** 24 random bytes: a 48-character hex token, as hard to guess as two UUIDs. */
const JOB_TOKEN_BYTES = 24;
const UUID_RANDOM_BYTES = 10;
const TIMESTAMP_HEX_DIGITS = 12;
/** Position of the version digit in a hyphenated UUID. */
const UUID_VERSION_INDEX = 14;

/**
 * A UUID version 7 (RFC 9562): 48 bits of issue time in milliseconds, then 74 random bits. Being
 * time-ordered lets a workflow answer before the job row is written and still tell a job issued a
 * moment ago from an unknown id (the status webhook reads the time back from the id).
 */
export function uuidV7(now = Date.now()): string {
	const time = Math.floor(now).toString(16).padStart(TIMESTAMP_HEX_DIGITS, '0').slice(-TIMESTAMP_HEX_DIGITS);
	const random = randomBytes(UUID_RANDOM_BYTES).toString('hex');
	const variant = (0x8 | (parseInt(random[3], 16) & 0x3)).toString(16);
	return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}

/** When a UUIDv7 was issued (Unix ms), or undefined for any other id. */
export function uuidV7Time(id: string): number | undefined {
	if (id.charAt(UUID_VERSION_INDEX) !== '7') return undefined;
	const hex = id.replace(/-/g, '').slice(0, TIMESTAMP_HEX_DIGITS);
	return /^[0-9a-f]+$/i.test(hex) ? parseInt(hex, 16) : undefined;
}

/** The private token a background job's progress reports must carry. */
export function jobToken(): string {
	return randomBytes(JOB_TOKEN_BYTES).toString('hex');
}
