import { z } from 'zod';
import { BatchStatusSchema } from '../enums/batch-status.ts';
import { EssayStatusSchema } from '../enums/essay-status.ts';
import { ProcessingEventSchema } from '../enums/processing-event.ts';
import {
  EntityReferenceSchema,
  StorageReferenceMetadataSchema,
  SystemProcessingMetadataSchema,
} from './metadata.ts';
import { EntityIdSchema, IsoDateTime, nowIso } from './primitives.ts';

/** Fields every event's data carries (the seed's `BaseEventData`). */
export const BaseEventDataSchema = z.object({
  event_name: ProcessingEventSchema,
  entity_ref: EntityReferenceSchema,
  timestamp: IsoDateTime.default(nowIso),
});

/** A status change of an entity (the seed's `ProcessingUpdate`). */
export const ProcessingUpdateSchema = BaseEventDataSchema.extend({
  status: EssayStatusSchema,
  system_metadata: SystemProcessingMetadataSchema,
});

/** Languages the spell checker implements; a request in another language is refused clearly. */
export const SpellcheckLanguageSchema = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'expected a language tag like "en"');

/** Command to spell-check one essay's text (`essay.spellcheck.requested`). */
export const SpellcheckRequestedDataV1Schema = ProcessingUpdateSchema.extend({
  text_storage_id: z.string().min(1),
  language: SpellcheckLanguageSchema.default('en'),
});
export type SpellcheckRequestedDataV1 = z.output<typeof SpellcheckRequestedDataV1Schema>;

/** Outcome of spell-checking one essay (`essay.spellcheck.result.received`). */
export const SpellcheckResultDataV1Schema = ProcessingUpdateSchema.extend({
  original_text_storage_id: z.string().min(1),
  storage_metadata: StorageReferenceMetadataSchema.nullable().default(null),
  corrections_made: z.number().int().nonnegative().nullable().default(null),
});
export type SpellcheckResultDataV1 = z.output<typeof SpellcheckResultDataV1Schema>;

/** One essay of a batch, with its text in the content service once provisioned. */
export const EssayProcessingRefSchema = z.object({
  essay_id: EntityIdSchema,
  text_storage_id: z.string().min(1),
});
export type EssayProcessingRef = z.output<typeof EssayProcessingRefSchema>;

/** A batch announces the essays it expects (`batch.essays.registered`). */
export const BatchEssaysRegisteredV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  expected_essay_count: z.number().int().positive(),
  essay_ids: z.array(EntityIdSchema).min(1),
  course_code: z.string().nullable().default(null),
  language: SpellcheckLanguageSchema.default('en'),
  pipeline: z.array(z.string().min(1)).default(['spellcheck']),
})
  .refine((d) => d.essay_ids.length === d.expected_essay_count, {
    message: 'expected_essay_count must equal the number of essay_ids',
    path: ['expected_essay_count'],
  })
  .refine((d) => new Set(d.essay_ids).size === d.essay_ids.length, {
    message: 'essay_ids must be unique',
    path: ['essay_ids'],
  });
export type BatchEssaysRegisteredV1 = z.output<typeof BatchEssaysRegisteredV1Schema>;

/** An essay's text is stored and ready (`essay.content.provisioned`). */
export const EssayContentProvisionedV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  text_storage_id: z.string().min(1),
  original_file_name: z.string().nullable().default(null),
});
export type EssayContentProvisionedV1 = z.output<typeof EssayContentProvisionedV1Schema>;

/** Every expected essay of a batch is registered and provisioned (`batch.essays.ready`). */
export const BatchEssaysReadyV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  ready_essays: z.array(EssayProcessingRefSchema),
});
export type BatchEssaysReadyV1 = z.output<typeof BatchEssaysReadyV1Schema>;

/** Start the spellcheck phase for a batch's essays (`batch.spellcheck.initiate.command`). */
export const BatchSpellcheckInitiateCommandV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  essays_to_process: z.array(EssayProcessingRefSchema).min(1),
  language: SpellcheckLanguageSchema.default('en'),
  /**
   * A teacher's retry of essays that failed the phase (additive, default false): only a retry
   * restarts a failed essay, so a stray or late first-round command never does.
   */
  retry: z.boolean().default(false),
  /**
   * The batch's whole pipeline (additive, optional): an essay whose phase succeeded concludes
   * when that phase is the last of it. Absent (the original platform): the phase is the last.
   */
  pipeline: z.array(z.string().min(1)).min(1).optional(),
});
export type BatchSpellcheckInitiateCommandV1 = z.output<
  typeof BatchSpellcheckInitiateCommandV1Schema
>;

/**
 * Start the text-metrics phase (the original platform's NLP phase) for a batch's essays
 * (`batch.nlp.initiate.command`): the same fields as the spellcheck command.
 */
export const BatchNlpInitiateCommandV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  essays_to_process: z.array(EssayProcessingRefSchema).min(1),
  language: SpellcheckLanguageSchema.default('en'),
  retry: z.boolean().default(false),
  pipeline: z.array(z.string().min(1)).min(1).optional(),
});
export type BatchNlpInitiateCommandV1 = z.output<typeof BatchNlpInitiateCommandV1Schema>;

/** Text metrics of one essay (`nlp_metrics_json`): what a teacher reads about its writing. */
export const TextMetricsV1Schema = z.object({
  words: z.number().int().nonnegative(),
  sentences: z.number().int().nonnegative(),
  mean_sentence_length: z.number().nonnegative(),
  /** MTLD (measure of textual lexical diversity). */
  lexical_diversity: z.number().nonnegative(),
  /** Flesch-Kincaid grade level. */
  readability_grade: z.number().nonnegative(),
  /** Spelling corrections per 100 words, from the spellcheck phase; null without it. */
  spelling_error_rate: z.number().nonnegative().nullable(),
});
export type TextMetricsV1 = z.output<typeof TextMetricsV1Schema>;

/**
 * Command to compute one essay's text metrics (`essay.nlp.requested`). The text is the one
 * the spellcheck phase corrected when it ran (else the original), with its count of corrections.
 */
export const TextMetricsRequestedDataV1Schema = ProcessingUpdateSchema.extend({
  text_storage_id: z.string().min(1),
  language: SpellcheckLanguageSchema.default('en'),
  corrections_made: z.number().int().nonnegative().nullable().default(null),
});
export type TextMetricsRequestedDataV1 = z.output<typeof TextMetricsRequestedDataV1Schema>;

/** One essay's text metrics, or why there are none (`essay.nlp.result.received`). */
export const TextMetricsResultDataV1Schema = ProcessingUpdateSchema.extend({
  text_storage_id: z.string().min(1),
  metrics: TextMetricsV1Schema.nullable().default(null),
});
export type TextMetricsResultDataV1 = z.output<typeof TextMetricsResultDataV1Schema>;

/** How a phase ended for a whole batch (`els.batch.phase.outcome`), announced once. */
export const BatchPhaseOutcomeV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  phase_name: z.string().min(1),
  phase_status: z.enum(['completed_successfully', 'completed_with_failures', 'failed_critically']),
  processed_essays: z.array(EssayProcessingRefSchema),
  failed_essay_ids: z.array(EntityIdSchema),
  /**
   * The phase the processed essays go on to (additive): null or absent when the batch's
   * pipeline is over for them (the original platform's outcomes never name one).
   */
  next_phase: z.string().min(1).nullable().default(null),
});
export type BatchPhaseOutcomeV1 = z.output<typeof BatchPhaseOutcomeV1Schema>;

/** Stop a batch (`batch.cancel.command`): the batch actor moves to `cancelled`. */
export const BatchCancelCommandV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  reason: z.string().max(1_000).default('cancelled by the teacher'),
});
export type BatchCancelCommandV1 = z.output<typeof BatchCancelCommandV1Schema>;

/** Run the current phase again for a concluded batch's failed essays (`batch.retry.command`). */
export const BatchRetryCommandV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
});
export type BatchRetryCommandV1 = z.output<typeof BatchRetryCommandV1Schema>;

/** A batch actor changed state (`batch.lifecycle.state.updated`): the batch's live status. */
export const BatchLifecycleStateUpdatedV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema,
  from_status: BatchStatusSchema.nullable(),
  to_status: BatchStatusSchema,
  cause_event_id: z.string().nullable().default(null),
});
export type BatchLifecycleStateUpdatedV1 = z.output<typeof BatchLifecycleStateUpdatedV1Schema>;

/** An essay actor changed state (`essay.lifecycle.state.updated`): the live status feed. */
export const EssayLifecycleStateUpdatedV1Schema = BaseEventDataSchema.extend({
  batch_id: EntityIdSchema.nullable().default(null),
  from_status: EssayStatusSchema.nullable(),
  to_status: EssayStatusSchema,
  cause_event_id: z.string().nullable().default(null),
});
export type EssayLifecycleStateUpdatedV1 = z.output<typeof EssayLifecycleStateUpdatedV1Schema>;
