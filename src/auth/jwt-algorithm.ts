export const JWT_ALGORITHM = 'HS256';
