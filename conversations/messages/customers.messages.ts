// Texts of the customer directory and the case library, in English and Chinese.
export const customersEn: Record<string, string> = {};

export const customersZh: Record<string, string> = {};
