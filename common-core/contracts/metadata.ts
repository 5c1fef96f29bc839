import { z } from 'zod';
import { ContentTypeSchema } from '../enums/content-type.ts';
import { ProcessingStageSchema } from '../enums/processing-stage.ts';
import { EntityIdSchema, IsoDateTime } from './primitives.ts';

/** Which entity (essay, batch) an event is about. */
export const EntityReferenceSchema = z.object({
  entity_id: EntityIdSchema,
  entity_type: z.string().min(1),
  parent_id: EntityIdSchema.nullable().default(null),
});
export type EntityReference = z.output<typeof EntityReferenceSchema>;

/** Where and when a piece of processing happened, and how it ended. */
export const SystemProcessingMetadataSchema = z.object({
  entity: EntityReferenceSchema,
  timestamp: IsoDateTime,
  processing_stage: ProcessingStageSchema.nullable().default(null),
  event: z.string().nullable().default(null),
  started_at: IsoDateTime.nullable().default(null),
  completed_at: IsoDateTime.nullable().default(null),
  error_info: z.record(z.string(), z.unknown()).default({}),
});
export type SystemProcessingMetadata = z.output<typeof SystemProcessingMetadataSchema>;

/** One stored object: its id in the content service and an optional path hint. */
export const StorageReferenceSchema = z.object({
  storage_id: z.string().min(1),
  path: z.string().default(''),
});

/** Stored objects by content type (`original_essay`, `corrected_text`, ...). */
export const StorageReferenceMetadataSchema = z.object({
  references: z.partialRecord(ContentTypeSchema, StorageReferenceSchema).default({}),
});
export type StorageReferenceMetadata = z.output<typeof StorageReferenceMetadataSchema>;
