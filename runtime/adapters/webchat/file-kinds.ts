import type { FileKind, IrInput, IrMediaInput } from '../../../compiler/index.js';
import { mimeAccepted } from '../../media/index.js';

/** The types a kind of file may have; a document may be anything. */
const KIND_TYPES: Readonly<Record<FileKind, readonly string[] | undefined>> = {
  photo: ['image/*'],
  video: ['video/*'],
  audio: ['audio/*'],
  voice: ['audio/*'],
  document: undefined,
};

/** What the page is told of a step that takes media: what to offer and what to check before an upload. */
export interface ChatExpects {
  /** Files the step takes; absent when it takes none. `accept` absent: any type. */
  readonly files?: {
    readonly kinds: readonly FileKind[];
    readonly maxBytes: number;
    readonly accept?: readonly string[];
    readonly minCount: number;
    readonly maxCount: number;
  };
  readonly location: boolean;
  readonly contact: boolean;
}

const fileKinds = (media: IrMediaInput): FileKind[] => media.kinds.filter((k): k is FileKind => k in KIND_TYPES);

/** The types a step's files may have: the scenario's list, else those of its kinds (absent: any). */
export function acceptedTypes(media: IrMediaInput): readonly string[] | undefined {
  if (media.mime) return media.mime;
  const kinds = fileKinds(media);
  if (kinds.some((k) => KIND_TYPES[k] === undefined)) return undefined;
  return [...new Set(kinds.flatMap((k) => KIND_TYPES[k]!))];
}

/** What a waiting step's input expects in media, within the web chat's own upload limit; undefined when it takes none. */
export function expectsOf(input: IrInput | undefined, maxUploadBytes: number): ChatExpects | undefined {
  const media = input?.type === 'media' ? input.media : undefined;
  if (!media) return undefined;
  const kinds = fileKinds(media);
  const accept = acceptedTypes(media);
  return {
    ...(kinds.length === 0
      ? {}
      : { files: { kinds, maxBytes: Math.min(media.maxBytes, maxUploadBytes), ...(accept ? { accept } : {}), minCount: media.minCount, maxCount: media.maxCount } }),
    location: media.kinds.includes('location'),
    contact: media.kinds.includes('contact'),
  };
}

/** The kind a file of this type is by default. */
export function kindOfType(mime: string): FileKind {
  if (mime.startsWith('image/')) return 'photo';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

/**
 * The kind of a stored file in a message: the one given when the file's type fits it, else (none given) the first
 * of the step's kinds that fits, else the type's own kind. A string says why the given kind does not fit.
 */
export function kindFor(mime: string, given: FileKind | undefined, stepKinds: readonly FileKind[] = []): FileKind | { readonly refused: string } {
  const fits = (k: FileKind): boolean => mimeAccepted(mime, KIND_TYPES[k]);
  if (given !== undefined) return fits(given) ? given : { refused: `a file of type ${mime} is not a ${given}` };
  return stepKinds.find(fits) ?? kindOfType(mime);
}
