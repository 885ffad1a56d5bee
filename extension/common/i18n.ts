import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';

/** The gettext domain of Genesis Lab's strings (the Python package's name, as JupyterLab language packs expect). */
export const TRANSLATION_DOMAIN = 'genesis_lab';

/** The bundle every plugin passes down to its views (English without a language pack). */
export function translationBundle(translator: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
}
