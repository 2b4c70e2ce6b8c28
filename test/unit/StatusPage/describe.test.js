'use strict';
// The status answers: a script batch (state, counts, jobs, finished files) and a mission job
// (stale runs failed, just-issued ids queued, unknown ids 404), plus the UUIDv7 time they read.
const { run, runOne } = require('./helpers');
const { uuidV7 } = require('../../../nodes/shared/jobIds');
const { uuidV7Time } = require('../../../nodes/shared/jobIds');

const batchRow = { kind: 'batch', batchId: 'b-1', token: 'secret-token', folder: 'store' };
const job = (slug, state, extra = {}) => ({ kind: 'job', title: `T ${slug}`, slug, state, step: 'Write Script', error: '', audios: '', files: '', ...extra });

describe('Describe Script Batch', () => {
	test.each([
		['queued', ['queued', 'queued'], { state: 'queued', runningJobs: 0, queuedJobs: 2, progressPercentage: 0 }],
		["waiting for Google's batch (economy) counts as queued", ['waiting', 'waiting'], { state: 'queued', runningJobs: 0, queuedJobs: 2, progressPercentage: 0 }],
		['running', ['starting', 'queued', 'completed'], { state: 'running', runningJobs: 1, queuedJobs: 1, completedJobs: 1, progressPercentage: 33.3 }],
		['completed', ['completed', 'completed'], { state: 'completed', progressPercentage: 100 }],
		['failed', ['failed'], { state: 'failed', failedJobs: 1, progressPercentage: 100 }],
		['completed_with_failures', ['failed', 'completed', 'completed'], { state: 'completed_with_failures', failedJobs: 1, completedJobs: 2 }],
	])('%s', async (_name, states, expected) => {
		const rows = [batchRow, ...states.map((state, i) => job(`0${i + 1}`, state))];
		const { found, status } = await runOne('describeScriptBatch', { rows, batchId: 'b-1' });
		expect(found).toBe(true);
		expect(status).toMatchObject({ batchId: 'b-1', totalJobs: states.length, ...expected });
	});

	test('jobs in folder order with their audio and error; the token and storage paths stay out of the status', async () => {
		const rows = [
			batchRow,
			job('02-b', 'failed', { error: 'Quota' }),
			job('01-a', 'completed', { audios: '["1_en.mp3"]', files: '["1_en.mp3","1_en.txt","manifest.json"]' }),
		];
		const out = await runOne('describeScriptBatch', { rows, batchId: 'b-1' });
		expect(out.status.jobs).toEqual([
			{ title: 'T 01-a', folder: '01-a', state: 'completed', step: 'Write Script', audios: ['1_en.mp3'] },
			{ title: 'T 02-b', folder: '02-b', state: 'failed', step: 'Write Script', audios: [], error: 'Quota' },
		]);
		expect(JSON.stringify(out.status)).not.toMatch(/secret-token|store\//);
		expect(out.batchId).toBe('b-1');
		expect(out.files).toEqual([
			{ path: 'store/b-1--01-a--1_en.mp3', zipName: '01-a/1_en.mp3' },
			{ path: 'store/b-1--01-a--1_en.txt', zipName: '01-a/1_en.txt' },
			{ path: 'store/b-1--01-a--manifest.json', zipName: '01-a/manifest.json' },
		]);
	});

	test('unknown batch (no rows, or only the empty item a lookup lets through): not found, nothing to download', async () => {
		for (const rows of [[], [{}]]) {
			const out = await runOne('describeScriptBatch', { rows, batchId: 'nope' });
			expect(out).toEqual({ found: false, batchId: 'nope', status: expect.objectContaining({ state: 'queued', totalJobs: 0, jobs: [] }), files: [] });
		}
	});

	test('a files column that is not a JSON list: an error item naming Batch Rows', async () => {
		const rows = [batchRow, job('01-a', 'completed', { files: '{"a":1}' })];
		const [[item]] = await run('describeScriptBatch', { rows, batchId: 'b-1' }, { continueOnFail: true });
		expect(item).toEqual({ json: { error: { message: expect.stringMatching(/^Batch Rows holds data that cannot be read: The files column of job "01-a" is not a JSON list/), description: expect.any(String) } }, pairedItem: { item: 0 } });
	});
});

describe('Describe Mission Job', () => {
	const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString();
	const row = (overrides) => ({ jobId: 'j-1', state: 'running', current: 3, total: 10, message: 'Working', reason: '', progressToken: 'private', createdAt: minutesAgo(2), updatedAt: minutesAgo(1), result: '', ...overrides });

	test('a found job: its row without the private token; the result unpacked', async () => {
		const result = { missions: [{ title: 'M' }], report: { fromAi: 1 } };
		const out = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ state: 'succeeded', result: JSON.stringify(result) }) });
		expect(out.found).toBe(true);
		expect(out.status).toEqual({ jobId: 'j-1', state: 'succeeded', current: 3, total: 10, message: 'Working', createdAt: expect.any(String), updatedAt: expect.any(String), result });
	});

	test('a queued or running job silent for over 10 minutes is failed, reason stale; a finished one stays', async () => {
		const stale = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ updatedAt: minutesAgo(11) }) });
		expect(stale.status).toMatchObject({ state: 'failed', reason: 'stale', message: 'No progress for over 10 minutes: the run stopped. Start a new job.' });
		const done = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ state: 'failed', reason: 'generation_failed', updatedAt: minutesAgo(60) }) });
		expect(done.status).toMatchObject({ state: 'failed', reason: 'generation_failed', message: 'Working' });
		const shorter = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ updatedAt: minutesAgo(3) }), options: { staleAfterMinutes: 2 } });
		expect(shorter.status).toMatchObject({ state: 'failed', reason: 'stale', message: expect.stringContaining('over 2 minutes') });
	});

	test('economy: a job waiting for Google\'s batch shows `economy` (no result) and is stale only 10 minutes after its planned check', async () => {
		const minutesAhead = (m) => new Date(Date.now() + m * 60_000).toISOString();
		const waiting = { batchJob: 'batches/abc', state: 'running', checks: 2, nextCheckSeconds: 600, nextCheckAt: minutesAhead(3) };
		const waitingRow = (overrides) => row({ message: "Waiting for Google's batch (economy)", result: JSON.stringify({ economy: waiting }), ...overrides });
		// Written 12 minutes ago, but the next check is still 3 minutes away: not stale.
		const quiet = await runOne('describeMissionJob', { jobId: 'j-1', job: waitingRow({ updatedAt: minutesAgo(12) }) });
		expect(quiet.status).toMatchObject({ state: 'running', economy: waiting, message: "Waiting for Google's batch (economy)" });
		expect(quiet.status).not.toHaveProperty('result');
		// The planned check is 11 minutes overdue: the run is gone.
		const overdue = { ...waiting, nextCheckAt: minutesAgo(11) };
		const lost = await runOne('describeMissionJob', { jobId: 'j-1', job: waitingRow({ updatedAt: minutesAgo(25), result: JSON.stringify({ economy: overdue }) }) });
		expect(lost.status).toMatchObject({ state: 'failed', reason: 'stale', economy: overdue });
		// A check overdue by less than that still counts as waiting; an unreadable time falls back to the row's.
		const late = await runOne('describeMissionJob', { jobId: 'j-1', job: waitingRow({ updatedAt: minutesAgo(25), result: JSON.stringify({ economy: { ...waiting, nextCheckAt: minutesAgo(4) } }) }) });
		expect(late.status.state).toBe('running');
		const unreadable = await runOne('describeMissionJob', { jobId: 'j-1', job: waitingRow({ updatedAt: minutesAgo(11), result: JSON.stringify({ economy: { ...waiting, nextCheckAt: 'soon' } }) }) });
		expect(unreadable.status.state).toBe('failed');
	});

	test('economy: a finished job shows its report\'s economy part and source beside the result', async () => {
		const economy = { batchJob: 'batches/abc', state: 'succeeded', batchMissions: 98, standardMissions: 2, batchCostUsd: 0.01 };
		const result = { missions: [{ title: 'M' }], report: { fromAi: 100, source: 'batch+standard', economy } };
		const out = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ state: 'succeeded', result: JSON.stringify(result) }) });
		expect(out.status).toMatchObject({ state: 'succeeded', economy: { ...economy, source: 'batch+standard' }, result });
		// A standard job has no economy part.
		const standard = await runOne('describeMissionJob', { jobId: 'j-1', job: row({ state: 'succeeded', result: JSON.stringify({ missions: [], report: { fromAi: 0 } }) }) });
		expect(standard.status).not.toHaveProperty('economy');
	});

	test('no row: an id issued a moment ago is queued; an older, non-v7 or missing id is not found', async () => {
		const fresh = uuidV7();
		expect(await runOne('describeMissionJob', { jobId: fresh, job: {} })).toEqual({
			found: false,
			issuedRecently: true,
			status: { jobId: fresh, state: 'queued', current: 0, message: 'Accepted a moment ago; waiting to start' },
		});
		for (const jobId of [uuidV7(Date.now() - 5 * 60_000), '00000000-0000-4000-8000-000000000000', '']) {
			expect(await runOne('describeMissionJob', { jobId, job: {} })).toEqual({ found: false, issuedRecently: false, status: { error: 'job_not_found', jobId } });
		}
	});

	test('UUIDv7 time: the first 48 bits, only for version 7', () => {
		const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
		expect(uuidV7Time(uuidV7(at))).toBe(at);
		expect(uuidV7Time('00000000-0000-4000-8000-000000000000')).toBeUndefined();
		expect(uuidV7Time('zzzzzzzz-zzzz-7zzz-8000-000000000000')).toBeUndefined();
	});

	test('bad input: a job row that is not an object or a result that is not JSON; a negative option', async () => {
		const output = await run(
			'describeMissionJob',
			[{ jobId: 'j', job: '[1]' }, { jobId: 'j-1', job: row({ result: '{oops' }) }, { jobId: 'j', job: {}, options: { staleAfterMinutes: -1 } }],
			{ continueOnFail: true },
		);
		const messages = output[0].map((item) => item.json.error.message);
		expect(messages[0]).toBe('Job Row must be an object');
		expect(messages[1]).toMatch(/^Job Row holds data that cannot be read/);
		expect(messages[2]).toBe('Stale After (Minutes) must not be negative, not -1');
		await expect(run('describeMissionJob', { jobId: 'j', job: 'nope' })).rejects.toThrow('Job Row is not valid JSON');
	});
});
