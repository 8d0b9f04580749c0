import { z } from 'zod';

/** CDEvents' reference to another subject: `{ id, source? }` (e.g. the environment of a deployment). */
export const subjectReferenceSchema = z.object({ id: z.string().min(1), source: z.string().optional() });
export type SubjectReference = z.infer<typeof subjectReferenceSchema>;
