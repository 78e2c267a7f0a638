import { z } from 'zod';

/** `POST /v1/models/pull`: what to download; the source is read further (and refused with 422) by parsePullSource. */
export const modelPullBody = z
  .object({
    source: z.string().trim().min(1, 'source must not be empty').max(4096),
    /** A checksum the person vouches for; else `#sha256=` on the URL, else what the server sends. */
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'sha256 is 64 hexadecimal characters')
      .optional(),
  })
  .strict();

export const pullIdParams = z.object({ pullId: z.string().min(1).max(200) });
