'use strict';
// Which nodes of a workflow run while an HTTP caller waits for its answer, read from the
// workflow JSON alone, so every workflow (shipped now or added later) can be checked.
//
// A caller waits from the moment a Webhook node receives the request until n8n answers:
//  - responseMode "responseNode": until a Respond to Webhook node runs. Nodes on the way are those
//    reachable from the webhook that can themselves reach a Respond to Webhook node.
//  - responseMode "lastNode": until the execution ends, so every node reachable from the webhook.
//  - "onReceived" (n8n answers at once): nothing.

/** Node types that hand work to n8n's task runner (a separate process) or run user code. */
const CODE_NODE_TYPES = new Set([
	'n8n-nodes-base.code',
	'n8n-nodes-base.function',
	'n8n-nodes-base.functionItem',
	'n8n-nodes-base.aiTransform',
	'@n8n/n8n-nodes-langchain.code',
]);
const RESPOND = 'n8n-nodes-base.respondToWebhook';

function successors(workflow) {
	const next = new Map();
	for (const [from, byType] of Object.entries(workflow.connections || {})) {
		const targets = Object.values(byType)
			.flat()
			.flat()
			.filter(Boolean)
			.map((c) => c.node);
		next.set(from, targets);
	}
	return next;
}

function reachable(start, next) {
	const seen = new Set();
	const queue = [start];
	while (queue.length > 0) {
		const name = queue.shift();
		for (const target of next.get(name) || []) {
			if (!seen.has(target)) {
				seen.add(target);
				queue.push(target);
			}
		}
	}
	return seen;
}

/** The names of nodes that run while the caller of `webhook` waits. */
function waitingPath(workflow, webhook, next = successors(workflow)) {
	const mode = webhook.parameters?.responseMode || 'onReceived';
	if (mode === 'onReceived') return new Set();
	const after = reachable(webhook.name, next);
	if (mode !== 'responseNode') return after;
	const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
	return new Set([...after].filter((name) => byName.get(name)?.type === RESPOND || [...reachable(name, next)].some((n) => byName.get(n)?.type === RESPOND)));
}

/** Every Code-like node on a waiting path, as {webhook, node}; empty when there is none. */
function codeNodesOnWaitingPaths(workflow) {
	const next = successors(workflow);
	const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
	const found = [];
	for (const webhook of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled)) {
		for (const name of waitingPath(workflow, webhook, next)) {
			if (CODE_NODE_TYPES.has(byName.get(name)?.type)) found.push({ webhook: webhook.name, node: name });
		}
	}
	return found;
}

module.exports = { codeNodesOnWaitingPaths, waitingPath, CODE_NODE_TYPES };
