import { defaultFerretdbBinary } from '../config/app-config';
import { ensureFerretdb } from './embedded-server';

const binary = process.argv[2] || defaultFerretdbBinary(process.env);
ensureFerretdb({ ferretdbBinary: binary, say: (message) => console.log(message) });
console.log(binary);
