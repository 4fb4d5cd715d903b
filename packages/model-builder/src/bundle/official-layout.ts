/**
 * The official `pretrained_weights/` layout (JoyVASA README) and where each file comes from on Hugging Face.
 * `fetch` downloads these files; `convert` reads them.
 */

/** A group of files a user may fetch or convert. */
export type OfficialGroup =
  | 'liveportrait'
  | 'liveportrait-animals'
  | 'joyvasa'
  | 'hubert-config'
  | 'wav2vec2'
  | 'insightface';

/** One Hugging Face repository and the files taken from it. */
export interface OfficialSource {
  readonly group: OfficialGroup;
  /** `owner/name` on Hugging Face. */
  readonly repo: string;
  /** Folder under `pretrained_weights/` where the repository's files go. */
  readonly localPrefix: string;
  /** Paths inside the repository. */
  readonly files: readonly string[];
  /** Whether `fetch` takes this group unless asked otherwise. */
  readonly defaultGroup: boolean;
}

const liveportraitBase = [
  'appearance_feature_extractor.pth',
  'motion_extractor.pth',
  'spade_generator.pth',
  'warping_module.pth',
];

/** Every source of the official weights. X-Pose (research-only licence) is deliberately absent. */
export const officialSources: readonly OfficialSource[] = [
  {
    group: 'liveportrait',
    repo: 'KwaiVGI/LivePortrait',
    localPrefix: '',
    files: [
      ...liveportraitBase.map((file) => `liveportrait/base_models/${file}`),
      'liveportrait/retargeting_models/stitching_retargeting_module.pth',
      'liveportrait/landmark.onnx',
    ],
    defaultGroup: true,
  },
  {
    group: 'insightface',
    repo: 'KwaiVGI/LivePortrait',
    localPrefix: '',
    files: ['insightface/models/buffalo_l/det_10g.onnx', 'insightface/models/buffalo_l/2d106det.onnx'],
    defaultGroup: true,
  },
  {
    group: 'liveportrait-animals',
    repo: 'KwaiVGI/LivePortrait',
    localPrefix: '',
    files: liveportraitBase.map((file) => `liveportrait_animals/base_models/${file}`),
    defaultGroup: true,
  },
  {
    group: 'joyvasa',
    repo: 'jdh-algo/JoyVASA',
    localPrefix: 'JoyVASA/',
    files: ['motion_generator/motion_generator_hubert_chinese.pt', 'motion_template/motion_template.pkl'],
    defaultGroup: true,
  },
  {
    group: 'hubert-config',
    repo: 'TencentGameMate/chinese-hubert-base',
    localPrefix: 'chinese-hubert-base/',
    files: ['config.json', 'preprocessor_config.json'],
    defaultGroup: true,
  },
  {
    group: 'wav2vec2',
    repo: 'facebook/wav2vec2-base-960h',
    localPrefix: 'wav2vec2-base-960h/',
    files: ['config.json', 'model.safetensors'],
    defaultGroup: false,
  },
];
