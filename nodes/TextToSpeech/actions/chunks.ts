import type { ResilienceSettings } from '../../shared/transport/resilientCall';
import type { AudioPart } from '../audio/join';

/**
 * Synthesises every chunk at once (the shared slots cap what is really in flight) and returns
 * the audio in chunk order. When one chunk fails for good, chunks still waiting for a slot are
 * dropped unsent, the ones in flight are awaited (nothing is left running), and the first
 * failure is thrown.
 */
export async function synthesizeInOrder(
	chunks: string[],
	settings: ResilienceSettings,
	synthesize: (chunk: string, settings: ResilienceSettings) => Promise<AudioPart>,
): Promise<AudioPart[]> {
	let failure: { error: unknown } | undefined;
	const itemSettings: ResilienceSettings = {
		...settings,
		stillWanted: () => failure === undefined && (settings.stillWanted?.() ?? true),
	};
	const parts = await Promise.all(
		chunks.map(async (chunk) => {
			try {
				return await synthesize(chunk, itemSettings);
			} catch (error) {
				failure ??= { error };
				return undefined;
			}
		}),
	);
	if (failure) throw failure.error;
	return parts as AudioPart[];
}
