import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { isStorageFault, storageReason } from '../runtime/storage-fault.js';

/** SQLite result codes (extended ones too, by their prefix) that mean "not now", not "broken". */
const STORAGE_UNAVAILABLE = new Set(['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_READONLY']);

/** The one error the routes throw; the handler turns it into `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NotFoundError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof ConflictError) return new HttpError(409, error.code, error.message, error.details);
  if (error instanceof UserError) return new HttpError(422, 'unprocessable', error.message);
  // The database is full or held by another process: the server is fine, try again later.
  if (isStorageFault(error) && STORAGE_UNAVAILABLE.has(error.code.split('_').slice(0, 2).join('_'))) {
    return new HttpError(503, 'storage_unavailable', `ducklm could not write to its database (${storageReason(error)}); nothing was changed. Free some disk space or stop what holds the database, then try again.`);
  }
  const fastifyError = error as Partial<FastifyError>;
  // Fastify's own client errors (bad JSON, wrong content type, body too large) say nothing secret.
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, (fastifyError.code ?? 'bad_request').toLowerCase(), fastifyError.message ?? 'Bad request');
  }
  return new HttpError(500, 'internal_error', 'Internal server error.');
}

export function createErrorHandler(log: (message: string) => void) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const http = toHttpError(error);
    if (http.status >= 500) log(`${request.method} ${request.url.split('?')[0]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void reply.status(http.status).send({ error: { code: http.code, message: http.message, ...(http.details ? { details: http.details } : {}) } });
  };
}
