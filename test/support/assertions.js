'use strict';

/** The error a promise rejects with; fails the test when it resolves instead. */
async function rejectionOf(promise) {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected a rejection');
}

module.exports = { rejectionOf };
