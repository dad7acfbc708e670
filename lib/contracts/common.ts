/** Shapes shared by many routes. Pure zod (no server imports), so client components may import it. */
import { z, type ZodType } from "zod";

export const okSchema = z.strictObject({ ok: z.boolean() });
export const countSchema = z.strictObject({ count: z.number().int() });
export const ts = () => z.number().int();
export const tsOrNull = () => z.number().int().nullable();

/** `{ items }` */
export const listOf = <T extends ZodType>(item: T) => z.strictObject({ items: z.array(item) });
/** `{ items, nextCursor }` (cursor pagination) */
export const pageOf = <T extends ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

export type Page<T> = { items: T[]; nextCursor: string | null };
