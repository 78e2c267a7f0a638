import { DucklmError } from '../../errors.js';

/** Why a pull did not end with a usable model; `code` is what the HTTP API and the CLI report. */
export type PullErrorCode =
  | 'upstream_not_found'
  | 'upstream_error'
  | 'unreachable'
  | 'size_mismatch'
  | 'checksum_mismatch'
  | 'not_gguf'
  | 'cancelled'
  | 'storage'
  | 'failed';

export class ModelPullError extends DucklmError {
  constructor(
    readonly code: PullErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
