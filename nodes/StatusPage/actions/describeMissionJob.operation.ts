import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_ISSUED_WITHIN_SECONDS, DEFAULT_STALE_AFTER_MINUTES, issuedRecently, missionJobStatus, queuedStatus } from '../missionJob';
import { fromData, numberSetting, readObject, readText } from '../parameters';

const show = { show: { operation: ['describeMissionJob'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show,
		description: 'The job ID the caller asked about (a UUIDv7 from the Webhook Guard)',
	},
	{
		displayName: 'Job Row',
		name: 'job',
		type: 'json',
		default: '{}',
		displayOptions: show,
		description: "The job's row of the gemini_ops_mission_jobs Data table; empty when none was found",
		hint: 'E.g. {{ $json }} after the Data table lookup',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Stale After (Minutes)',
				name: 'staleAfterMinutes',
				type: 'number',
				default: DEFAULT_STALE_AFTER_MINUTES,
				description: 'A queued or running job whose row has not changed for this long is reported failed (reason "stale")',
			},
			{
				displayName: 'Issued Within (Seconds)',
				name: 'issuedWithinSeconds',
				type: 'number',
				default: DEFAULT_ISSUED_WITHIN_SECONDS,
				description: 'A job ID without a row, issued at most this long ago (by its UUIDv7 time), is reported queued instead of unknown',
			},
		],
	},
];

/**
 * `found`, `issuedRecently` and `status`: the body of GET /missions/status for a found job, the
 * "queued" body for an id issued a moment ago, else the 404 body.
 */
export function execute(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const jobId = readText(ctx, itemIndex, 'jobId');
	const row = readObject(ctx, itemIndex, 'job', 'Job Row');
	const settings = {
		now: Date.now(),
		staleAfterMinutes: numberSetting(ctx, itemIndex, 'options.staleAfterMinutes', 'Stale After (Minutes)', DEFAULT_STALE_AFTER_MINUTES),
		issuedWithinSeconds: numberSetting(ctx, itemIndex, 'options.issuedWithinSeconds', 'Issued Within (Seconds)', DEFAULT_ISSUED_WITHIN_SECONDS),
	};
	const found = typeof row.jobId === 'string' && row.jobId !== '';
	const recent = !found && issuedRecently(jobId, settings);
	let status: IDataObject;
	if (found) status = fromData(ctx, itemIndex, 'Job Row', () => missionJobStatus(row, settings));
	else status = recent ? queuedStatus(jobId) : { error: 'job_not_found', jobId };
	return { found, issuedRecently: recent, status };
}
