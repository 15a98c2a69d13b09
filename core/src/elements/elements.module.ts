import { CardTokenRepository } from './card-token.repository';
import { CardTokenService } from './card-token.service';
import { CvcMemory } from './cvc-memory';
import { ElementsPages } from './elements-pages';

/** The embedded card fields' services: one each per gateway (CvcMemory must be one per process). */
export const ELEMENTS_SINGLETONS = [CvcMemory, CardTokenRepository, CardTokenService, ElementsPages] as const;
