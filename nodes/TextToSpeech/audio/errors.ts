import { InvalidOutputError } from '../../shared/transport/request';

/**
 * Audio the service sent that cannot be read or joined. It is an InvalidOutputError, so the
 * shared retry loop asks again (a truncated answer is usually a one-off) before giving up.
 */
export class AudioFormatError extends InvalidOutputError {
	name = 'AudioFormatError';
}
