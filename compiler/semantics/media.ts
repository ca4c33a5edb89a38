/**
 * Media in scenarios: the kinds an input may expect, the values a variable holds once the user sent them, and the
 * fields of those values. One table serves the checker, the TypeScript emitter and the engine.
 */

/** Files a user may send; each is downloaded into the media store before its step takes it. */
export type FileKind = 'photo' | 'document' | 'video' | 'audio' | 'voice';
export const FILE_KINDS: readonly FileKind[] = ['photo', 'document', 'video', 'audio', 'voice'];

/** What a media input may expect: files, or a location or contact card (no download). */
export type MediaInputKind = FileKind | 'location' | 'contact';
export const MEDIA_INPUT_KINDS: readonly MediaInputKind[] = [...FILE_KINDS, 'location', 'contact'];

/** Files a step's message may carry. */
export type OutFileKind = 'image' | 'video' | 'audio' | 'document';
export const OUT_FILE_KINDS: readonly OutFileKind[] = ['image', 'video', 'audio', 'document'];

/** A stored file as the media store knows it (content-addressed: `id` names the bytes, `sha256` is their hash). */
export interface StoredFile {
  readonly id: string;
  /** The type read from the bytes, not the one the sender declared. */
  readonly mime: string;
  readonly size: number;
  /** The name the sender gave, or one made from the kind and type ("photo.jpg"). */
  readonly name: string;
  readonly sha256: string;
}

/** A file the user sent, as a variable holds it: a reference to the stored bytes, never the bytes. */
export interface FileValue extends StoredFile {
  readonly kind: FileKind;
}

export interface LocationValue {
  readonly kind: 'location';
  readonly latitude: number;
  readonly longitude: number;
  readonly title?: string;
  readonly address?: string;
}

export interface ContactValue {
  readonly kind: 'contact';
  readonly phone: string;
  readonly first_name: string;
  readonly last_name?: string;
  /** The contact's user id on the platform, when it has one. */
  readonly user_id?: string;
}

export type MediaValue = FileValue | LocationValue | ContactValue;

/** Field types of each media value, as conditions and templates read them (`receipt.size`, `place.latitude`). */
export type MediaFieldType = 'string' | 'number';
export const FILE_FIELDS: Readonly<Record<string, MediaFieldType>> = { kind: 'string', id: 'string', mime: 'string', size: 'number', name: 'string', sha256: 'string' };
export const LOCATION_FIELDS: Readonly<Record<string, MediaFieldType>> = { kind: 'string', latitude: 'number', longitude: 'number', title: 'string', address: 'string' };
export const CONTACT_FIELDS: Readonly<Record<string, MediaFieldType>> = { kind: 'string', phone: 'string', first_name: 'string', last_name: 'string', user_id: 'string' };

export const isFileKind = (k: string): k is FileKind => (FILE_KINDS as readonly string[]).includes(k);
export const isMediaInputKind = (k: string): k is MediaInputKind => (MEDIA_INPUT_KINDS as readonly string[]).includes(k);
