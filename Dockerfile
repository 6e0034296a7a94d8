# PumpWatch server + dashboard for production; PostgreSQL comes from DATABASE_URL (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci
COPY . .
RUN npm run build
ENV NODE_ENV=production PORT=3000 PUMPWATCH_DEMO=off
USER node
EXPOSE 3000
CMD ["node", "server/dist/server/src/main.js"]
