/** Sending institutions: who they are and how their letters are numbered. */
export * from './institution';
export { addInstitution } from './add-institution';
