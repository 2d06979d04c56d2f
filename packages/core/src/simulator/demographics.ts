/**
 * Marginal distributions of user attributes: label → weight.
 *
 * @example
 * ```ts
 * const d: Demographics = { gender: { F: 0.5, M: 0.5 }, age: { '25-34': 1 }, occupation: { programmer: 1 } };
 * ```
 */
export interface Demographics {
  readonly gender: Readonly<Record<string, number>>;
  readonly age: Readonly<Record<string, number>>;
  readonly occupation: Readonly<Record<string, number>>;
}

/**
 * Defaults resembling MovieLens-1M's 6,040 users: about 72% male, its seven
 * age bands and 21 occupations, weighted by their user counts.
 *
 * @example
 * ```ts
 * simulate({ demographics: { ...MOVIELENS_DEMOGRAPHICS, gender: { F: 0.5, M: 0.5 } } });
 * ```
 */
export const MOVIELENS_DEMOGRAPHICS: Demographics = {
  gender: { M: 4331, F: 1709 },
  age: { 'Under 18': 222, '18-24': 1103, '25-34': 2096, '35-44': 1193, '45-49': 550, '50-55': 496, '56+': 380 },
  occupation: {
    'other': 711,
    'academic/educator': 528,
    'artist': 267,
    'clerical/admin': 173,
    'college/grad student': 759,
    'customer service': 112,
    'doctor/health care': 236,
    'executive/managerial': 679,
    'farmer': 17,
    'homemaker': 92,
    'K-12 student': 195,
    'lawyer': 129,
    'programmer': 388,
    'retired': 142,
    'sales/marketing': 302,
    'scientist': 144,
    'self-employed': 241,
    'technician/engineer': 502,
    'tradesman/craftsman': 70,
    'unemployed': 72,
    'writer': 281,
  },
};

/**
 * MovieLens' 18 genres, which simulated movies draw from.
 *
 * @example
 * ```ts
 * GENRES.includes('Drama'); // true
 * ```
 */
export const GENRES: readonly string[] = [
  'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];
