'use strict';
// One implementation of "a real n8n with this package installed", shared by `npm start`
// (scripts/start.mjs), the end-to-end tests (test/support/n8n.js) and the screenshot script.
//
// The pieces live in scripts/runtime/; this file is the one entry point.
//
// CommonJS on purpose: Jest (CommonJS tests, no --experimental-vm-modules) can require it,
// and the .mjs scripts can import it.
//
// What it does:
// - provision(): a pinned Node.js (from the npm registry package node-<os>-<arch>) and a pinned
//   n8n, installed once into a user cache folder, atomically (temp folder + rename + marker).
// - packPackage(): `npm pack` of this repository, i.e. exactly what a user installs.
// - N8nInstance: an isolated N8N_USER_FOLDER with the tarball unpacked where the Community
//   Nodes installer puts it, credentials and workflows imported with n8n's own CLI, n8n started
//   in its own process group (stopped by PID), the owner created from environment variables,
//   the job Data table created and the workflows published through n8n's REST API.
// - QueueCluster: the same in n8n's queue mode: Postgres (provisionPostgres), Redis, that main
//   and N `n8n worker` processes.

module.exports = {
	...require('./runtime/constants.cjs'),
	...require('./runtime/provision.cjs'),
	...require('./runtime/package.cjs'),
	...require('./runtime/http.cjs'),
	...require('./runtime/instance.cjs'),
	...require('./runtime/queue.cjs'),
	...require('./runtime/browser.cjs'),
	isAlive: require('./runtime/process.cjs').isAlive,
};
