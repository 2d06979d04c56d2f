export { pulledByTakeOne, generate } from './pulled.js';
